package org.hassette.logging.stdout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.core.ContextBase;
import ch.qos.logback.core.encoder.EchoEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcessStdoutAppenderTest {

    @Test
    void writesToTheProcessStreamEvenWhileSystemOutIsRedirected() {
        ByteArrayOutputStream processStdout = new ByteArrayOutputStream();
        ProcessStdoutAppender<Object> appender = started(processStdout);
        ByteArrayOutputStream redirected = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(redirected, true, StandardCharsets.UTF_8)); // what Gogo does while a command runs
        try {
            appender.doAppend("logged during a command");
        } finally {
            System.setOut(original);
        }
        assertTrue(processStdout.toString(StandardCharsets.UTF_8).contains("logged during a command"));
        assertEquals("", redirected.toString(StandardCharsets.UTF_8));
    }

    @Test
    void stoppingDoesNotCloseTheProcessStream() {
        boolean[] closed = {false};
        ByteArrayOutputStream processStdout = new ByteArrayOutputStream() {
            @Override
            public void close() throws IOException {
                closed[0] = true;
            }
        };
        ProcessStdoutAppender<Object> appender = started(processStdout);
        appender.doAppend("last line");
        appender.stop();
        assertFalse(closed[0], "stdout closed by the appender's stop");
        assertTrue(processStdout.toString(StandardCharsets.UTF_8).contains("last line"));
    }

    private static ProcessStdoutAppender<Object> started(ByteArrayOutputStream target) {
        ContextBase context = new ContextBase();
        ProcessStdoutAppender<Object> appender = new ProcessStdoutAppender<>(target);
        appender.setContext(context);
        EchoEncoder<Object> encoder = new EchoEncoder<>();
        encoder.setContext(context);
        encoder.start();
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
