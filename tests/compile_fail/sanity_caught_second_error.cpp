// Harness self-test, inverted: the CTNET_FAIL build fails with the expected message and a second
// error. Its .fail test carries WILL_FAIL, so it passes only if the harness reported the second one.
// expect: ctnet: sanity; the expected message
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
