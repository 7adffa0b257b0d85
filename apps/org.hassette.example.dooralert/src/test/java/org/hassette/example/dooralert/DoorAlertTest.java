package org.hassette.example.dooralert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hassette.testkit.AppTestKit;
import org.hassette.testkit.Configs;
import org.hassette.testkit.ServiceCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DoorAlertTest {
    AppTestKit kit;

    @BeforeEach
    void home() {
        kit = AppTestKit.create();
        kit.setState("binary_sensor.front_door", "off", Map.of("friendly_name", "Front door", "device_class", "door"));
        kit.setState("binary_sensor.back_door", "off");
    }

    @AfterEach
    void close() {
        kit.close();
    }

    static DoorAlert app(Map<String, ?> config) {
        return new DoorAlert(Configs.of(DoorAlert.Config.class, config));
    }

    @Test
    void aDoorOpenFiveMinutesGetsAPersistentNotification() {
        kit.start(app(Map.of("doors", List.of("binary_sensor.front_door", "binary_sensor.back_door"))));
        kit.simulateStateChange("binary_sensor.front_door", "on");
        kit.advance(Duration.ofMinutes(4).plusSeconds(59));
        kit.ha().assertNoCalls();
        kit.advance(Duration.ofSeconds(1));
        ServiceCall call = kit.ha().assertCalled("persistent_notification", "create", null,
                Map.of("message", "Front door has been open for 5 minutes", "notification_id", "door_open_binary_sensor_front_door"));
        assertEquals(kit.clock().now(), call.at());

        kit.advance(Duration.ofMinutes(30));
        kit.ha().assertCallCount("persistent_notification", "create", null, 1); // once per opening
        kit.simulateStateChange("binary_sensor.front_door", "off");
        kit.ha().assertCalled("persistent_notification", "dismiss", null, Map.of("notification_id", "door_open_binary_sensor_front_door"));
    }

    @Test
    void aRestartWhileTheDoorIsOpenKeepsTheTimeItOpened() {
        kit.start(app(Map.of("doors", List.of("binary_sensor.front_door"))));
        kit.simulateStateChange("binary_sensor.front_door", "on");
        java.time.Instant opened = kit.clock().now();
        kit.advance(Duration.ofMinutes(3));
        // what the platform does while Home Assistant reconnects: the app stops, and its hold goes with it
        kit.stop();
        kit.start(app(Map.of("doors", List.of("binary_sensor.front_door"))));
        kit.advance(Duration.ofMinutes(1).plusSeconds(59));
        kit.ha().assertNoCalls();
        kit.advance(Duration.ofSeconds(1));
        ServiceCall call = kit.ha().assertCalled("persistent_notification", "create", null,
                Map.of("message", "Front door has been open for 5 minutes"));
        assertEquals(opened.plus(Duration.ofMinutes(5)), call.at(), "5 minutes after it opened, not after the restart");
    }

    @Test
    void aRestartAfterTheNotificationDoesNotSendItAgainButANewOpeningDoes() {
        notifiedOnceThenStopped();
        startNotifyingThePhone();
        kit.advance(Duration.ofMinutes(10));
        kit.ha().assertCallCount("notify", "mobile_app_phone", null, 1); // the same opening: not again

        kit.simulateStateChange("binary_sensor.front_door", "off");
        kit.simulateStateChange("binary_sensor.front_door", "on");
        kit.advance(Duration.ofMinutes(5));
        kit.ha().assertCallCount("notify", "mobile_app_phone", null, 2); // a new opening is notified
    }

    @Test
    void anHaRestartThatResetsLastChangedDoesNotSendItAgain() {
        notifiedOnceThenStopped();
        kit.advance(Duration.ofSeconds(30));
        kit.setState("binary_sensor.front_door", "on"); // HA came back with the door still open: last_changed is now
        startNotifyingThePhone();
        kit.advance(Duration.ofMinutes(10));
        kit.ha().assertCallCount("notify", "mobile_app_phone", null, 1);
    }

    @Test
    void aDoorClosedWhileTheAppWasStoppedIsNotifiedAgainWhenItOpens() {
        notifiedOnceThenStopped();
        kit.setState("binary_sensor.front_door", "off"); // closed while the app was stopped
        startNotifyingThePhone();
        kit.simulateStateChange("binary_sensor.front_door", "on");
        kit.advance(Duration.ofMinutes(5));
        kit.ha().assertCallCount("notify", "mobile_app_phone", null, 2);
    }

    /** The front door watched, with notifications to the phone as well. */
    private void startNotifyingThePhone() {
        kit.start(app(Map.of("doors", List.of("binary_sensor.front_door"), "notify.via", "notify.mobile_app_phone")));
    }

    /** The front door opened and was notified once; then the app stopped, as it does while HA reconnects. */
    private void notifiedOnceThenStopped() {
        startNotifyingThePhone();
        kit.simulateStateChange("binary_sensor.front_door", "on");
        kit.advance(Duration.ofMinutes(6));
        kit.ha().assertCallCount("notify", "mobile_app_phone", null, 1);
        kit.stop();
    }

    @Test
    void closingInTimeSendsNothing() {
        kit.start(app(Map.of("doors", List.of("binary_sensor.front_door"))));
        kit.simulateStateChange("binary_sensor.front_door", "on");
        kit.advance(Duration.ofMinutes(3));
        kit.simulateStateChange("binary_sensor.front_door", "off");
        kit.advance(Duration.ofHours(1));
        kit.ha().assertNoCalls();
    }

    @Test
    void eachDoorHasItsOwnClockAndANotifyServiceCanBeUsed() {
        kit.start(app(Map.of("doors", List.of("binary_sensor.front_door", "binary_sensor.back_door"),
                "open.for.seconds", 60, "notify.via", "notify.mobile_app_phone")));
        kit.simulateStateChange("binary_sensor.front_door", "on");
        kit.advance(Duration.ofSeconds(30));
        kit.simulateStateChange("binary_sensor.back_door", "on");
        kit.advance(Duration.ofSeconds(30));
        kit.ha().assertCallCount("notify", "mobile_app_phone", null, 1);
        kit.ha().assertCalled("notify", "mobile_app_phone", null, Map.of("message", "Front door has been open for 1 minute"));
        kit.advance(Duration.ofSeconds(30));
        kit.ha().assertCalled("notify", "mobile_app_phone", null, Map.of("message", "binary_sensor.back_door has been open for 1 minute"));
        kit.ha().assertNotCalled("persistent_notification", null, null);
    }
}
