/* Empty (libc/README.md): utils.c includes it for functions this build leaves out. */
