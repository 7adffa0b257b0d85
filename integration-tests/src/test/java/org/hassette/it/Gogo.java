package org.hassette.it;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;

/** Runs one Gogo command in a fresh session, as the console would, and returns its result as text. */
final class Gogo {
    private Gogo() {
    }

    static String run(CommandProcessor processor, String command) throws Exception {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out);
        try {
            return String.valueOf(session.execute(command));
        } finally {
            session.close();
        }
    }
}
