// Harness self-test, inverted: the CTNET_FAIL build fails, but with another message than the one
// expected. Its .fail test carries WILL_FAIL, so it passes only if the mismatch was reported.
// expect: ctnet: sanity; the message the harness expects
template <bool Fail>
struct Refuse {
    static_assert(!Fail, "ctnet: sanity; a different message");
};

#ifdef CTNET_FAIL
template struct Refuse<true>;
#else
template struct Refuse<false>;
#endif
