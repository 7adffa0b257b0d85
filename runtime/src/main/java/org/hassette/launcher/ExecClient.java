package org.hassette.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * {@code ./hassette exec '<gogo command line>'}: runs one command on the running platform of a home
 * folder through its local shell socket ({@code <home>/run/shell.sock}) and prints the output.
 * Exit code: 0 success, 1 the command failed, 2 the platform could not be reached.
 */
final class ExecClient {
    private static final String HEADER = "HASSETTE-EXEC ";

    private ExecClient() {
    }

    static int main(List<String> args, Map<String, String> env) {
        String home = env.get("HASSETTE_HOME");
        StringBuilder command = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--home") && i + 1 < args.size()) {
                home = args.get(++i);
            } else if (a.startsWith("--home=")) {
                home = a.substring("--home=".length());
            } else {
                command.append(command.length() == 0 ? "" : " ").append(a);
            }
        }
        if (command.length() == 0) {
            System.err.println("usage: hassette exec [--home DIR] '<gogo command line>'   e.g. hassette exec 'lb'");
            return Main.EXIT_USAGE;
        }
        Path homeDir = Paths.get(home == null || home.isBlank() ? "hassette-home" : home).toAbsolutePath().normalize();
        Path socket = homeDir.resolve("run/shell.sock");
        // a platform that holds the instance lock but has no socket yet is still starting: give it a moment
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (!Files.exists(socket) && platformRunning(homeDir) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!Files.exists(socket)) {
            System.err.println("hassette exec: no running platform for home folder " + homeDir
                    + " (" + socket + " is missing); start it with ./hassette or pass --home");
            return Main.EXIT_USAGE;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap((command.toString().replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.shutdownOutput();
            InputStream in = Channels.newInputStream(ch);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String reply = all.toString(StandardCharsets.UTF_8);
            int nl = reply.indexOf('\n');
            if (!reply.startsWith(HEADER) || nl < 0) {
                System.err.println("hassette exec: unexpected reply from " + socket);
                return Main.EXIT_USAGE;
            }
            int code = Integer.parseInt(reply.substring(HEADER.length(), nl).trim());
            String body = reply.substring(nl + 1);
            (code == 0 ? System.out : System.err).print(body);
            return code;
        } catch (IOException e) {
            System.err.println("hassette exec: cannot reach the platform at " + socket + ": " + e.getMessage()
                    + " (is it running? a stale socket is removed at the next start)");
            return Main.EXIT_USAGE;
        }
    }

    /** Whether some process holds the instance lock of {@code home} (a platform is starting or running). */
    private static boolean platformRunning(Path home) {
        Path lockFile = home.resolve("run/instance.lock");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock = ch.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            return false;
        }
    }
}
