// Only the header matters: LLVMFuzzerRunDriver comes from libFuzzer's runtime in the fuzzing build.
#include "CLibFuzzer.h"
