package org.hassette.itest.writer;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.propertytypes.SatisfyingConditionTarget;

/**
 * Writes keys to its store from a few threads as fast as the store takes them and, after each
 * {@code put} has returned (committed), appends the key to the file {@code ack.file} with one
 * unbuffered write: what is in that file was acknowledged, whatever happens to the process next.
 */
@Component(service = App.class, configurationPid = "it.writer", configurationPolicy = ConfigurationPolicy.REQUIRE)
@SatisfyingConditionTarget("(osgi.condition.id=hassette.core.ready)")
public class WriterApp implements App {
    /** Configuration of the writer. */
    public @interface Config {
        String ack_file();

        int threads() default 3;
    }

    private final Config config;
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running;

    @Activate
    public WriterApp(Config config) {
        this.config = config;
    }

    @Override
    public void start(AppContext context) throws Exception {
        FileOutputStream acks = new FileOutputStream(config.ack_file(), true);
        running = true;
        long startedAt = System.nanoTime();
        for (int t = 0; t < config.threads(); t++) {
            int thread = t;
            Thread w = new Thread(() -> {
                for (long n = 0; running; n++) {
                    String key = "k-" + startedAt + "-" + thread + "-" + n;
                    try {
                        context.store().put(key, "value of " + key);
                    } catch (RuntimeException e) {
                        context.log().warn("write of {} failed: {}", key, e.toString());
                        continue;
                    }
                    try {
                        synchronized (acks) {
                            acks.write((key + "\n").getBytes(StandardCharsets.UTF_8));
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "it-writer-" + t);
            w.setDaemon(true);
            writers.add(w);
            w.start();
        }
        context.log().info("writer started with {} threads", config.threads());
    }

    @Override
    public void stop() {
        running = false;
        try {
            for (Thread w : writers) {
                w.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writers.clear();
    }
}
