package org.hassette.bench.app;

import java.util.ArrayList;
import java.util.List;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.bus.StateChange;
import org.hassette.api.bus.Subscription;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.propertytypes.SatisfyingConditionTarget;

/**
 * The benchmark app: {@value BenchProbe#LISTENERS} no-op listeners on {@code sensor.bench_*} (the
 * simulator's bench stream), each reporting to the {@link BenchProbe}. Runs only while the core is
 * ready, like every app; its start time is what the hot-deploy and reconnect scenarios measure.
 */
@Component(service = App.class)
@SatisfyingConditionTarget("(osgi.condition.id=hassette.core.ready)")
public class BenchApp implements App {
    private final BenchProbe probe;

    @Activate
    public BenchApp(@Reference BenchProbe probe) {
        this.probe = probe;
    }

    @Override
    public void start(AppContext app) {
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < BenchProbe.LISTENERS; i++) {
            int listener = i;
            // bench events change attributes (bench_seq) on every event; count every one of them
            subs.add(app.bus().onStateChange("sensor.bench_*").includeAttributeChanges()
                    .subscribe(app.appId() + ":noop-" + i, (StateChange c) -> probe.handled(listener, c)));
        }
        probe.appStarted(app, subs);
    }

    @Override
    public void stop() {
        probe.appStopped();
    }
}
