#ifndef C_LIB_FUZZER_H
#define C_LIB_FUZZER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, from `libclang_rt.fuzzer_no_main` (linked only into `make fuzz`'s build): runs `callback` on
/// inputs it generates, with libFuzzer's own command-line flags. SwiftPM renames an executable's `main`, so the
/// target keeps its own and calls this instead of linking libFuzzer's `main`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
