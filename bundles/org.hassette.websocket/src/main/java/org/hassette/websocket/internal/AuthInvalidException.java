package org.hassette.websocket.internal;

import java.io.IOException;

/** HA answered {@code auth_invalid}: the token is wrong or revoked. */
final class AuthInvalidException extends IOException {
    private static final long serialVersionUID = 1L;

    AuthInvalidException(String message) {
        super(message);
    }
}
