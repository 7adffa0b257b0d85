package org.hassette.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code ./hassette exec} on a Unix domain socket at {@code <home>/run/shell.sock}.
 *
 * <p>Only the local operator can use it: the {@code run/} folder is 0700 and the socket 0600, so
 * file permissions are the authentication. There is deliberately no network shell.
 */
@Component(immediate = true, service = {})
public class LocalShellServer {
    private static final Logger LOG = LoggerFactory.getLogger(LocalShellServer.class);

    private final CommandProcessor processor;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final ExecutorService workers;
    private final Thread acceptor;

    @Activate
    public LocalShellServer(BundleContext context, @Reference CommandProcessor processor) throws IOException {
        this.processor = processor;
        String home = context.getProperty("hassette.home");
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("framework property hassette.home is not set; the local shell needs the home folder");
        }
        Path runDir = Paths.get(home, "run");
        Files.createDirectories(runDir);
        Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwx------"));
        socketPath = Paths.get(home).resolve(ShellProtocol.SOCKET_RELATIVE_PATH);
        Files.deleteIfExists(socketPath); // left over by a killed process
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hassette-shell-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        acceptor = new Thread(this::acceptLoop, "hassette-shell-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("Local shell listening on {}", socketPath);
    }

    @Deactivate
    void deactivate() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing shell socket", e);
        }
        workers.shutdownNow();
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", socketPath, e.getMessage());
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                workers.execute(() -> serve(client));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.warn("Local shell accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            String command = readCommand(Channels.newInputStream(client));
            if (command == null) {
                reply(client, 2, "empty or oversized request: send one command line of at most "
                        + ShellProtocol.MAX_COMMAND_BYTES + " bytes\n");
                return;
            }
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            int code = execute(command, buffer);
            reply(client, code, buffer.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("local shell client went away", e);
        }
    }

    /** Runs one command in a fresh session; output and the formatted result go to {@code sink}. */
    int execute(String command, ByteArrayOutputStream sink) {
        try (PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
                CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out)) {
            try {
                Object result = session.execute(command);
                if (result != null) {
                    CharSequence text = session.format(result, Converter.INSPECT);
                    out.println(text);
                }
                return 0;
            } catch (Exception e) {
                out.println(oneLine(e));
                return 1;
            }
        }
    }

    private static String oneLine(Throwable e) {
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = e.getClass().getSimpleName();
        }
        if (e.getClass().getSimpleName().equals("CommandNotFoundException")) {
            msg = "unknown command: " + msg.replace("Command not found: ", "") + " (try 'help')";
        }
        return "error: " + msg;
    }

    private static String readCommand(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() >= ShellProtocol.MAX_COMMAND_BYTES) {
                return null;
            }
            line.write(b);
        }
        String command = line.toString(StandardCharsets.UTF_8).strip();
        return command.isEmpty() ? null : command;
    }

    private static void reply(SocketChannel client, int code, String output) throws IOException {
        byte[] bytes = (ShellProtocol.HEADER + code + "\n" + output).getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            client.write(buf);
        }
    }
}
