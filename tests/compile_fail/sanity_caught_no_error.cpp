// Harness self-test, inverted: the CTNET_FAIL build COMPILES, while printing the expected text
// (a #pragma message). A harness that only looked for the text would pass it; ours must report
// "UNEXPECTED SUCCESS". Its .fail test carries WILL_FAIL, so it passes only if that was reported.
// expect: ctnet: sanity; printed, but nothing failed
#ifdef CTNET_FAIL
#pragma message("ctnet: sanity; printed, but nothing failed")
#endif

inline int sanity_value() { return 1; }
