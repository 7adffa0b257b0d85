package __PACKAGE__;

import java.util.Map;
import org.hassette.testkit.AppTestKit;
import org.hassette.testkit.Configs;
import org.junit.jupiter.api.Test;

class __CLASS__Test {

    @Test
    void turnsTheTargetOnWhenTheTriggerGoesOn() {
        try (AppTestKit kit = AppTestKit.create()) {
            kit.setState("binary_sensor.hall_motion", "off");
            kit.start(new __CLASS__(Configs.of(__CLASS__.Config.class,
                    Map.of("trigger", "binary_sensor.hall_motion", "target", "light.hall"))));

            kit.simulateStateChange("binary_sensor.hall_motion", "on"); // returns when the handler finished
            kit.ha().assertCalled("light", "turn_on", "light.hall");
        }
    }
}
