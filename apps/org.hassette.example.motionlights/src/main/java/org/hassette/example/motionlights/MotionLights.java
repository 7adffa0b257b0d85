package org.hassette.example.motionlights;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.bus.StateChange;
import org.hassette.api.bus.StateChangeBuilder;
import org.hassette.api.constraints.Constraint;
import org.hassette.api.constraints.Constraints;
import org.hassette.api.ha.EntityState;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.JobOptions;
import org.hassette.api.scheduler.SunEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.propertytypes.SatisfyingConditionTarget;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Turns lights on when a motion sensor goes {@code on} (with {@code only.when.dark}, only between
 * sunset and sunrise: the listener is constrained by {@link #DARK}, so a daylight call is skipped and
 * recorded with the reason); when it goes {@code off}, schedules the ones that are on to go off after
 * {@code off.after.seconds} unless motion comes back first. One instance per factory
 * configuration of {@value #PID}; runs only while the core is ready.
 */
@Component(service = App.class, configurationPid = MotionLights.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MotionLights.Config.class, factory = true)
@SatisfyingConditionTarget("(osgi.condition.id=hassette.core.ready)")
public class MotionLights implements App {
    static final String PID = "org.hassette.example.motionlights";

    @ObjectClassDefinition(name = "Motion lights", description = "Lights follow a motion sensor")
    public @interface Config {
        @AttributeDefinition(description = "Motion sensor entity id, e.g. binary_sensor.hall_motion")
        String sensor();

        @AttributeDefinition(description = "Light entity ids to switch")
        String[] lights();

        @AttributeDefinition(description = "Seconds without motion before the lights go off")
        int off_after_seconds() default 120;

        @AttributeDefinition(description = "Only between sunset and sunrise (sun times from Home Assistant's location)")
        boolean only_when_dark() default false;
    }

    /** Between sunset and sunrise, as the scheduler computes them for the home's location. */
    static final Constraint DARK = Constraints.between(SunEvent.SUNSET, SunEvent.SUNRISE).named("dark");

    private final Config config;
    private volatile JobHandle offJob;

    @Activate
    public MotionLights(Config config) {
        this.config = config;
    }

    @Override
    public void start(AppContext app) {
        if (config.sensor() == null || config.lights() == null || config.lights().length == 0) {
            throw new IllegalArgumentException("configure 'sensor' and 'lights'");
        }
        Duration quiet = Duration.ofSeconds(config.off_after_seconds());
        StateChangeBuilder motionOn = app.bus().onStateChange(config.sensor()).to("on");
        if (config.only_when_dark()) {
            // in daylight the call is skipped and recorded with the reason, e.g. "dark: outside sunset–sunrise (now 12:00)"
            motionOn.constrainedBy(DARK);
        }
        motionOn.subscribe("motion-on", (StateChange c) -> {
            cancelOff();
            for (String light : config.lights()) {
                app.ha().turnOn(light);
            }
            app.log().info("motion on {}: {} on", config.sensor(), String.join(", ", config.lights()));
        });
        app.bus().onStateChange(config.sensor()).to("off").subscribe("motion-off", (StateChange c) -> planOff(app, quiet));
        app.log().info("watching {} for {}{}", config.sensor(), String.join(", ", config.lights()),
                config.only_when_dark() ? " between sunset and sunrise" : "");
        resumeOff(app, quiet);
    }

    /**
     * The platform stops an app while its core is not ready, a Home Assistant reconnect included, and
     * its pending jobs go with it. So at every start the app plans again from the states: lights on and
     * no motion since {@code last_changed} get the off job for the rest of the quiet time (none left: now).
     */
    private void resumeOff(AppContext app, Duration quiet) {
        Optional<EntityState> sensor = app.states().get(config.sensor());
        if (sensor.isEmpty() || !"off".equals(sensor.get().state()) || lightsOn(app).isEmpty()) {
            return;
        }
        Instant since = sensor.get().lastChanged();
        Duration quietFor = since == null ? Duration.ZERO : Duration.between(since, app.scheduler().clock().now());
        Duration left = quiet.minus(quietFor).isNegative() ? Duration.ZERO : quiet.minus(quietFor);
        app.log().info("{} on and no motion on {} for {} s: off in {} s", String.join(", ", lightsOn(app)), config.sensor(),
                quietFor.toSeconds(), left.toSeconds());
        planOff(app, left);
    }

    private void planOff(AppContext app, Duration delay) {
        Duration quiet = Duration.ofSeconds(config.off_after_seconds());
        cancelOff();
        offJob = app.scheduler().runIn(delay, () -> {
            List<String> on = lightsOn(app);
            for (String light : on) {
                app.ha().turnOff(light);
            }
            if (!on.isEmpty()) {
                app.log().info("no motion on {} for {} s: {} off", config.sensor(), quiet.toSeconds(), String.join(", ", on));
            }
        }, JobOptions.builder().name("off")
                // motion came back meanwhile (also in daylight, when motion-on is skipped): the run is skipped
                .constrainedBy(Constraints.entityIs(config.sensor(), "off").named("still no motion")).build());
    }

    private List<String> lightsOn(AppContext app) {
        return Arrays.stream(config.lights()).filter(light -> app.states().get(light).map(st -> !"off".equals(st.state())).orElse(true)).toList();
    }

    /** Motion came back (or went off again): the pending off job, if any, is cancelled. */
    private void cancelOff() {
        JobHandle pending = offJob;
        offJob = null;
        if (pending != null) {
            pending.cancel();
        }
    }
}
