package org.hassette.api.platform;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Shuts the platform down because something is fatal. Idempotent and serialized: concurrent and
 * repeated requests lead to one shutdown; the first reason wins and becomes the process's last log
 * line; the session is finalized once with the crash recorded.
 */
@ProviderType
public interface PlatformShutdown {
    /** Exit code of a fatal shutdown. */
    int FATAL_EXIT_CODE = 1;

    /**
     * Requests a fatal shutdown. Returns at once; the framework stops on another thread.
     *
     * @param source resource that caused it, e.g. {@code database}
     * @param reason human reason, e.g. {@code "restart budget exhausted (permanent, 5 in 300 s)"}
     * @param error the error behind it, or {@code null}
     * @return true when this request started the shutdown, false when one was already under way
     */
    boolean shutdownFatal(String source, String reason, Throwable error);

    /** Whether a shutdown was requested. */
    boolean isShuttingDown();
}
