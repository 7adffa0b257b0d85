package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;

/** The local shell socket in a real framework: real Gogo, real Unix socket. */
class LocalShellIT {
    @InjectBundleContext
    BundleContext context;

    Path socket;

    @BeforeEach
    void locateSocket() {
        socket = Paths.get(context.getProperty("hassette.home"), "run", "shell.sock");
        Await.until("shell socket " + socket, java.time.Duration.ofSeconds(10), () -> Files.exists(socket));
    }

    @Test
    void runsCommandAndReturnsItsOutput() throws IOException {
        String reply = exchange("lb\n");
        assertTrue(reply.startsWith("HASSETTE-EXEC 0\n"), reply);
        assertTrue(reply.contains("org.hassette.shell") || reply.contains("Hassette local shell"), reply);
    }

    @Test
    void unknownCommandFailsWithOneLineError() throws IOException {
        String reply = exchange("no-such-command\n");
        assertTrue(reply.startsWith("HASSETTE-EXEC 1\n"), reply);
        assertTrue(reply.contains("unknown command"), reply);
        assertFalse(reply.contains("\tat "), "no stack trace expected: " + reply);
    }

    @Test
    void emptyRequestIsRejectedAsMalformed() throws IOException {
        String reply = exchange("\n");
        assertTrue(reply.startsWith("HASSETTE-EXEC 2\n"), reply);
    }

    @Test
    void commandResultIsFormatted() throws IOException {
        String reply = exchange("echo hello-from-it\n");
        assertTrue(reply.startsWith("HASSETTE-EXEC 0\n"), reply);
        assertTrue(reply.contains("hello-from-it"), reply);
    }

    @Test
    void onlyTheOwnerCanReachTheSocket() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
    }

    private String exchange(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Channels.newInputStream(ch).transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
