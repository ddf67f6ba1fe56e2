import CSRTP

/// libsrtp2's process-wide initialisation: `srtp_init` runs once, on first use, from whichever
/// thread gets there first (a Swift global `let` is initialised exactly once, thread-safely).
enum SRTPLibrary {
    private static let initStatus: srtp_err_status_t = srtp_init()

    /// Initialises libsrtp2 if needed; throws if it failed (for example a failed self test).
    static func ensureInitialized() throws(SRTPError) {
        let status = initStatus
        guard status == srtp_err_status_ok else { throw SRTPError(status: status) }
    }
}
