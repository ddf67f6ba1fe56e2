import NIOPosix

/// The threads that run the embedded stores' SQLite calls, apart from `NIOThreadPool.singleton`
/// (where blocking DNS lookups of `SystemDNSLookup` run: an unresolvable trunk server must not
/// delay a REGISTER's write behind a 4 s resolver timeout). Event loops never touch SQLite.
enum StorageThreadPool {
    /// Named limit: two threads, one per core of the target machine; SQLite serializes writers anyway.
    static let threadCount = 2

    /// The shared pool, started on first use and kept for the life of the process.
    static let shared: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
        return pool
    }()
}
