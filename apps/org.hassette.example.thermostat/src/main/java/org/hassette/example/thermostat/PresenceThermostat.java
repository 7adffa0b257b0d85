package org.hassette.example.thermostat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.bus.StateChange;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.Target;
import org.hassette.api.scheduler.JobOptions;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.propertytypes.SatisfyingConditionTarget;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Heating follows presence: when the first person comes home the thermostat goes to
 * {@code home.temperature} at once; when the last one leaves it goes to {@code away.temperature}
 * after {@code away.after.seconds} (someone coming back in time cancels that). People are
 * {@code person.*} entities in state {@code home}. One instance per factory configuration of
 * {@value #PID}.
 */
@Component(service = App.class, configurationPid = PresenceThermostat.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = PresenceThermostat.Config.class, factory = true)
@SatisfyingConditionTarget("(osgi.condition.id=hassette.core.ready)")
public class PresenceThermostat implements App {
    static final String PID = "org.hassette.example.thermostat";
    /** Names are scoped to the app instance: each thermostat instance has its own "away" job. */
    private static final String AWAY_JOB = "away";

    @ObjectClassDefinition(name = "Presence thermostat", description = "Heating follows who is home")
    public @interface Config {
        @AttributeDefinition(description = "Climate entity, e.g. climate.living_room")
        String thermostat();

        @AttributeDefinition(description = "Person entities that count; empty: every person.* entity")
        String[] people() default {};

        @AttributeDefinition(description = "Setpoint while someone is home (°C)")
        double home_temperature() default 21.0;

        @AttributeDefinition(description = "Setpoint while nobody is home (°C)")
        double away_temperature() default 16.0;

        @AttributeDefinition(description = "Seconds the home must be empty before the away setpoint")
        int away_after_seconds() default 600;

        @AttributeDefinition(description = "Optional temperature sensor, only mentioned in the log")
        String temperature_sensor() default "";
    }

    private final Config config;

    @Activate
    public PresenceThermostat(Config config) {
        this.config = config;
    }

    @Override
    public void start(AppContext app) {
        if (config.thermostat() == null || !config.thermostat().startsWith("climate.")) {
            throw new IllegalArgumentException("configure 'thermostat' with a climate entity id, was " + config.thermostat());
        }
        if (config.away_after_seconds() < 0) {
            throw new IllegalArgumentException("'away.after.seconds' must not be negative");
        }
        List<String> watched = config.people().length == 0 ? List.of("person") : Arrays.asList(config.people());
        app.bus().onStateChange(watched).subscribe("presence", (StateChange c) -> presenceChanged(app, c));
        app.log().info("{} follows {}: {} °C home, {} °C away after {} s", config.thermostat(),
                config.people().length == 0 ? "everyone (person.*)" : String.join(", ", config.people()),
                config.home_temperature(), config.away_temperature(), config.away_after_seconds());
        if (anyoneHome(app)) {
            setpoint(app, config.home_temperature(), "someone is home");
        } else {
            planAway(app);
        }
    }

    private void presenceChanged(AppContext app, StateChange c) {
        boolean wasHome = c.oldState() != null && "home".equals(c.oldState().state());
        boolean isHome = c.newState() != null && "home".equals(c.newState().state());
        if (isHome && !wasHome) {
            app.scheduler().cancel(AWAY_JOB);
            setpoint(app, config.home_temperature(), name(c.newState()) + " arrived");
        } else if (wasHome && !isHome && !anyoneHome(app)) {
            app.log().info("{} left, nobody is home: {} °C in {} s unless someone returns", name(c.oldState()),
                    config.away_temperature(), config.away_after_seconds());
            planAway(app);
        }
    }

    private void planAway(AppContext app) {
        app.scheduler().cancel(AWAY_JOB);
        app.scheduler().runIn(Duration.ofSeconds(config.away_after_seconds()), () -> {
            if (!anyoneHome(app)) {
                setpoint(app, config.away_temperature(), "nobody home for " + config.away_after_seconds() + " s");
            }
        }, JobOptions.builder().name(AWAY_JOB).build());
    }

    private boolean anyoneHome(AppContext app) {
        List<EntityState> people = config.people().length == 0 ? app.states().domain("person")
                : Arrays.stream(config.people()).map(id -> app.states().get(id)).flatMap(Optional::stream).toList();
        return people.stream().anyMatch(p -> "home".equals(p.state()));
    }

    private void setpoint(AppContext app, double target, String why) {
        Optional<EntityState> climate = app.states().get(config.thermostat());
        Object current = climate.map(s -> s.attributes().get("temperature")).orElse(null);
        if (current instanceof Number n && Math.abs(n.doubleValue() - target) < 0.05) {
            app.log().info("{}: {} already at {} °C", why, config.thermostat(), target);
            return;
        }
        String room = config.temperature_sensor().isBlank() ? ""
                : app.states().get(config.temperature_sensor()).map(s -> " (now " + s.state() + " °C)").orElse("");
        app.log().info("{}: {} to {} °C{}", why, config.thermostat(), target, room);
        app.ha().callService("climate", "set_temperature", Target.entities(config.thermostat()), Map.of("temperature", target), false);
    }

    private static String name(EntityState person) {
        Object friendly = person.attributes().get("friendly_name");
        return friendly != null ? friendly.toString() : person.entityId();
    }
}
