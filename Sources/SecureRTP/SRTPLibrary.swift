import CSRTP

/// libsrtp2's process-wide initialisation: `srtp_init` runs once, on first use, from whichever
/// thread gets there first (a Swift global `let` is initialised exactly once, thread-safely).
/// Everything in the process that uses libsrtp2 goes through this: a second `srtp_init` (or two
/// racing ones) corrupts the library's crypto kernel and every later session fails.
public enum SRTPLibrary {
    private static let initStatus: srtp_err_status_t = srtp_init()

    /// Initialises libsrtp2 if needed; throws if it failed (for example a failed self test).
    public static func ensureInitialized() throws(SRTPError) {
        let status = initStatus
        guard status == srtp_err_status_ok else { throw SRTPError(status: status) }
    }
}
