package org.hassette.logging.stdout;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes log lines to the process's standard output (file descriptor 1), whatever {@code System.out}
 * is at the time. logback's {@code ConsoleAppender} looks {@code System.out} up on every line, and
 * Gogo swaps {@code System.out} per thread while a command runs: the log lines of a command run by
 * {@code ./hassette exec} then went to the exec client instead of the platform's console. The file
 * descriptor is the same one whether stdout is a terminal, a pipe or a file, and is never closed.
 */
public class ProcessStdoutAppender<E> extends OutputStreamAppender<E> {
    private final OutputStream target;

    public ProcessStdoutAppender() {
        this(new FileOutputStream(FileDescriptor.out));
    }

    ProcessStdoutAppender(OutputStream target) {
        this.target = target;
    }

    @Override
    public void start() {
        setOutputStream(new NonClosing(target));
        super.start();
    }

    /** Stopping the appender (reconfiguration, shutdown) must not close the process's stdout. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len); // one write per line, not FilterOutputStream's byte by byte
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
