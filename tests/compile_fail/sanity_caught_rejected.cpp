// Harness self-test, inverted: the CTNET_FAIL build fails with the expected message, and with a
// second error that the "reject" line names. Its .fail test carries WILL_FAIL, so it passes only if
// the harness reported the second error.
// expect: ctnet: sanity; the expected message
// reject: ctnet: sanity; a second error
template <bool Fail>
struct Refuse {
    static_assert(!Fail, "ctnet: sanity; the expected message");
};
template <bool Fail>
struct Second {
    static_assert(!Fail, "ctnet: sanity; a second error");
};

#ifdef CTNET_FAIL
template struct Refuse<true>;
template struct Second<true>;
#else
template struct Refuse<false>;
template struct Second<false>;
#endif
