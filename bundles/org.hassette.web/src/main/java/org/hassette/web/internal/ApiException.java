package org.hassette.web.internal;

/** A request the API refuses, with the HTTP status and a message naming the problem. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    static ApiException unavailable(String resource) {
        return new ApiException(503, resource + " is not ready (see /hassette/api/v1/services)");
    }
}
