package org.hassette.apps.internal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;

/** The words {@link ConfigValidator} uses for a value metatype refused: the expected type, options or bound. */
class ConfigValidatorTest {
    private static final String[] NO_BOUNDS = new String[2];

    @Test
    void aValueOfTheWrongTypeNamesTheExpectedType() {
        assertEquals("'warm' is not a number (Double expected)", explain(AttributeDefinition.DOUBLE, "warm"));
        assertEquals("'warm' is not a number (Float expected)", explain(AttributeDefinition.FLOAT, "warm"));
        assertEquals("'1.5' is not a whole number (Integer expected)", explain(AttributeDefinition.INTEGER, "1.5"));
        assertEquals("'soon' is not a whole number (Long expected)", explain(AttributeDefinition.LONG, "soon"));
        assertEquals("'40000' is out of range (Short expected, -32768 to 32767)", explain(AttributeDefinition.SHORT, "40000"));
        assertEquals("'x' is not a whole number (Byte expected)", explain(AttributeDefinition.BYTE, "x"));
        assertEquals("'yes' is not true or false (Boolean expected)", explain(AttributeDefinition.BOOLEAN, "yes"));
        assertEquals("'ab' is not a single character (Character expected)", explain(AttributeDefinition.CHARACTER, "ab"));
    }

    @Test
    void optionsAndBoundsAreNamedAndOtherwiseMetatypesTextIsKept() {
        assertEquals("'loud' is not one of quiet, normal", ConfigValidator.explain(ad(AttributeDefinition.STRING, "quiet", "normal"), "loud",
                "%not a valid option", NO_BOUNDS));
        assertEquals("'150' is more than the maximum 100", ConfigValidator.explain(ad(AttributeDefinition.INTEGER), "150",
                "%greater than maximum", new String[] { "0", "100" }));
        assertEquals("'-1' is less than the minimum 0", ConfigValidator.explain(ad(AttributeDefinition.INTEGER), "-1",
                "less than minimum", new String[] { "0", "100" }));
        assertEquals("'toolong' is not valid: value too long", ConfigValidator.explain(ad(AttributeDefinition.STRING), "toolong",
                "value too long", NO_BOUNDS));
    }

    private static String explain(int type, String value) {
        return ConfigValidator.explain(ad(type), value, "invalid value", NO_BOUNDS);
    }

    private static AttributeDefinition ad(int type, String... options) {
        return new AttributeDefinition() {
            public String getName() {
                return "home.temperature";
            }

            public String getID() {
                return "home.temperature";
            }

            public String getDescription() {
                return null;
            }

            public int getCardinality() {
                return 0;
            }

            public int getType() {
                return type;
            }

            public String[] getOptionValues() {
                return options.length == 0 ? null : options;
            }

            public String[] getOptionLabels() {
                return getOptionValues();
            }

            public String validate(String value) {
                return "invalid value";
            }

            public String[] getDefaultValue() {
                return null;
            }
        };
    }
}
