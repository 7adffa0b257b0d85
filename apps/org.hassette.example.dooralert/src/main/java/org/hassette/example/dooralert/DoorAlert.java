package org.hassette.example.dooralert;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.bus.StateChange;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.Target;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.propertytypes.SatisfyingConditionTarget;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Notifies when a door (any {@code binary_sensor} that is {@code on} while open) stays open for
 * {@code open.for.seconds}: a persistent notification in Home Assistant by default, or any
 * {@code notify} service. When the door closes, the notification is dismissed and the time it was
 * open is logged. One instance per factory configuration of {@value #PID}.
 *
 * <p>Apps stop while Home Assistant reconnects and start again after it. The open-door listener is
 * {@code immediate}, so a door that is already open is watched from its {@code last_changed}: the
 * notification still comes 5 minutes after it opened, not 5 minutes after the restart. The store
 * remembers that the current opening was notified until the door is seen closed, so a restart after
 * the notification does not send it twice, not even after an HA restart, which resets
 * {@code last_changed}. The price: a door closed and opened again entirely while the app was stopped
 * counts as the same opening.
 */
@Component(service = App.class, configurationPid = DoorAlert.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DoorAlert.Config.class, factory = true)
@SatisfyingConditionTarget("(osgi.condition.id=hassette.core.ready)")
public class DoorAlert implements App {
    static final String PID = "org.hassette.example.dooralert";

    @ObjectClassDefinition(name = "Door left open", description = "A notification when a door stays open too long")
    public @interface Config {
        @AttributeDefinition(description = "Door sensor entity ids (binary_sensor, 'on' = open)")
        String[] doors();

        @AttributeDefinition(description = "Seconds a door may stay open before the notification")
        int open_for_seconds() default 300;

        @AttributeDefinition(description = "Where to send it: 'persistent_notification' or a notify service such as 'notify.mobile_app_phone'")
        String notify_via() default "persistent_notification";
    }

    private final Config config;

    @Activate
    public DoorAlert(Config config) {
        this.config = config;
    }

    @Override
    public void start(AppContext app) {
        if (config.doors() == null || config.doors().length == 0) {
            throw new IllegalArgumentException("configure 'doors'");
        }
        if (config.open_for_seconds() <= 0) {
            throw new IllegalArgumentException("'open.for.seconds' must be positive, was " + config.open_for_seconds());
        }
        Duration limit = Duration.ofSeconds(config.open_for_seconds());
        for (String door : config.doors()) {
            if (!"on".equals(app.states().get(door).map(EntityState::state).orElse(null))) {
                app.store().remove(notifiedKey(door)); // it closed while we were stopped
            }
            app.bus().onStateChange(door).to("on").holdFor(limit).immediate()
                    .subscribe("open:" + door, (StateChange c) -> openTooLong(app, door, c, limit));
            app.bus().onStateChange(door).from("on").to("off")
                    .subscribe("closed:" + door, (StateChange c) -> closed(app, door, c, limit));
        }
        app.log().info("watching {} for staying open {} s", String.join(", ", config.doors()), limit.toSeconds());
    }

    private void openTooLong(AppContext app, String door, StateChange c, Duration limit) {
        // one notification per opening, across restarts: notified until the door is seen closed
        Optional<String> notified = app.store().get(notifiedKey(door));
        if (notified.isPresent()) {
            app.log().info("{} is still open; {} was notified before the app restarted", name(app, door), notified.get());
            return;
        }
        String message = name(app, door) + " has been open for " + minutes(limit);
        app.log().info("{}: notifying via {}", message, config.notify_via());
        if (config.notify_via().equals("persistent_notification")) {
            app.ha().callService("persistent_notification", "create", Target.NONE,
                    Map.of("title", "Door open", "message", message, "notification_id", notificationId(door)), false);
        } else {
            int dot = config.notify_via().indexOf('.');
            String domain = dot < 0 ? "notify" : config.notify_via().substring(0, dot);
            String service = dot < 0 ? config.notify_via() : config.notify_via().substring(dot + 1);
            app.ha().callService(domain, service, Target.NONE, Map.of("title", "Door open", "message", message), false);
        }
        // the value is for people reading the store: which opening (by HA's last_changed) was notified
        app.store().put(notifiedKey(door), c.newState() == null || c.newState().lastChanged() == null ? "an opening"
                : "the opening at " + c.newState().lastChanged());
    }

    private void closed(AppContext app, String door, StateChange c, Duration limit) {
        app.store().remove(notifiedKey(door));
        EntityState opened = c.oldState();
        if (opened == null || opened.lastChanged() == null || c.newState() == null || c.newState().lastChanged() == null) {
            return;
        }
        Duration open = Duration.between(opened.lastChanged(), c.newState().lastChanged());
        if (open.compareTo(limit) >= 0) {
            app.log().info("{} closed after {}", name(app, door), minutes(open));
            if (config.notify_via().equals("persistent_notification")) {
                app.ha().callService("persistent_notification", "dismiss", Target.NONE,
                        Map.of("notification_id", notificationId(door)), false);
            }
        }
    }

    private static String name(AppContext app, String door) {
        return app.states().get(door).map(s -> s.attributes().get("friendly_name")).map(Object::toString).orElse(door);
    }

    private static String notifiedKey(String door) {
        return "notified:" + door;
    }

    private static String notificationId(String door) {
        return "door_open_" + door.replace('.', '_');
    }

    static String minutes(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 ? (s / 60) + (s == 60 ? " minute" : " minutes") : s + " seconds";
    }
}
