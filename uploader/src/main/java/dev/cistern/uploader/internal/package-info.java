/**
 * The uploader's working parts, not API: {@link dev.cistern.uploader.Uploader} wires them. A pass
 * goes {@link dev.cistern.uploader.internal.SealedScan} (or {@link dev.cistern.uploader.internal.ReplayListing})
 * to {@link dev.cistern.uploader.internal.Dispatcher}, which runs each file through {@code FilePipeline}
 * and keeps the {@code FailureBook}; {@link dev.cistern.uploader.internal.WatchLoop} repeats passes and
 * {@link dev.cistern.uploader.internal.UploadLock} keeps one uploader per spool.
 */
package dev.cistern.uploader.internal;
