package org.hassette.websocket.internal;

import java.io.IOException;

/** A message longer than the configured limit; the connection is closed with 1009. */
final class FrameTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    FrameTooLargeException(long size, int limit) {
        super("message of " + size + " bytes exceeds the limit of " + limit + " bytes (max_message_mb)");
    }
}
