package org.hassette.shell.internal;

/**
 * Wire format of the local shell socket, shared by server and client.
 *
 * <p>The client sends one command line in UTF-8 terminated by {@code '\n'}. The server answers with
 * a header line {@code HASSETTE-EXEC <exit-code>\n} followed by the command's output in UTF-8, then
 * closes the connection. Exit code 0 means the command succeeded, 1 that it failed (its error is the
 * output), 2 that the request itself was malformed.
 */
public final class ShellProtocol {
    public static final String HEADER = "HASSETTE-EXEC ";
    public static final int MAX_COMMAND_BYTES = 64 * 1024;
    public static final String SOCKET_RELATIVE_PATH = "run/shell.sock";

    private ShellProtocol() {
    }
}
