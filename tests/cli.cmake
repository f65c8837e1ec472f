# CTest script checks of the `atome` CLI that need no model file (tests/cli_test.cpp covers the
# rest): help and version succeed, and a bare `atome` fails with the one-line error.
add_test(NAME cli.help COMMAND atome --help)
set_tests_properties(cli.help PROPERTIES PASS_REGULAR_EXPRESSION "convert.*inspect.*generate.*export.*bench.*eval.*plot.*train.*sweep.*report")
add_test(NAME cli.version COMMAND atome --version)
set_tests_properties(cli.version PROPERTIES PASS_REGULAR_EXPRESSION "^atome [0-9]+\\.[0-9]+\\.[0-9]+")
add_test(NAME cli.no_command COMMAND atome)
set_tests_properties(cli.no_command PROPERTIES WILL_FAIL TRUE)
add_test(NAME cli.no_command_message COMMAND atome)
set_tests_properties(cli.no_command_message PROPERTIES PASS_REGULAR_EXPRESSION "^atome: error: ")
