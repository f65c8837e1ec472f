// The applied layer's feature extractors on fixed inputs (docs/APPS.md §8): every front end of
// apps/ runs once on a deterministic synthetic signal and prints one line with its status and
// every output integer. Shared by the firmware (frontends_main.cpp) and its host twin
// (firmware/frontends_twin.cpp), so that the two print the same lines exactly when the extractors
// compute the same bits on the core as on the host (scripts/firmware-twin.sh); each call is
// bracketed by two calls to `mark` for the QEMU instruction-count plugin
// (scripts/frontends_report.py).
#ifndef ATOME_FIRMWARE_FRONTENDS_RUN_H
#define ATOME_FIRMWARE_FRONTENDS_RUN_H

// The extractors in the order they run and print; region i of the marks is kFrontends[i]
// (region 0, "empty", measures the bracketing itself).
extern const char* const kFrontends[];
extern const unsigned kNFrontends;

// Runs every extractor; one line per extractor through emit: "fe NAME st STATUS v0 v1 ...".
// Returns 0 when every call returned its expected status.
int atome_frontends_run(void (*emit)(const char* line), void (*mark)());

#endif  // ATOME_FIRMWARE_FRONTENDS_RUN_H
