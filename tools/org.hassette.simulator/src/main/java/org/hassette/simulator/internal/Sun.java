package org.hassette.simulator.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code sun.sun} entity: NOAA solar equations (accurate to about a minute), which is what the
 * simulator needs to give apps a believable sunrise and sunset for the configured location.
 */
final class Sun {

    static final String ENTITY_ID = "sun.sun";
    private static final double SUNRISE_ZENITH = 90.833;
    private static final double CIVIL_ZENITH = 96.0;
    private static final long DAY_MICROS = 86_400_000_000L;

    private final double lat;
    private final double lon;

    Sun(double lat, double lon) {
        this.lat = lat;
        this.lon = lon;
    }

    /** State and attributes at {@code now}, and the time of the next change. */
    static final class Snapshot {
        final String state;
        final Map<String, Object> attributes;
        final long nextChange;

        Snapshot(String state, Map<String, Object> attributes, long nextChange) {
            this.state = state;
            this.attributes = attributes;
            this.nextChange = nextChange;
        }
    }

    Snapshot at(long now) {
        long dawn = next(now, CIVIL_ZENITH, -1);
        long dusk = next(now, CIVIL_ZENITH, 1);
        long noon = nextNoon(now, 0);
        long midnight = nextNoon(now, DAY_MICROS / 2);
        long rising = next(now, SUNRISE_ZENITH, -1);
        long setting = next(now, SUNRISE_ZENITH, 1);
        double[] pos = position(now);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("next_dawn", iso(dawn));
        a.put("next_dusk", iso(dusk));
        a.put("next_midnight", PyTime.iso(midnight));
        a.put("next_noon", PyTime.iso(noon));
        a.put("next_rising", iso(rising));
        a.put("next_setting", iso(setting));
        a.put("elevation", Math.round(pos[0] * 100) / 100.0);
        a.put("azimuth", Math.round(pos[1] * 100) / 100.0);
        a.put("rising", noon < midnight);
        a.put("friendly_name", "Sun");
        boolean above;
        if (rising == Long.MAX_VALUE || setting == Long.MAX_VALUE) {
            above = pos[0] > -0.833; // polar day or night
        } else {
            above = setting < rising;
        }
        long next = Math.min(Math.min(Math.min(dawn, dusk), Math.min(noon, midnight)), Math.min(rising, setting));
        if (next == Long.MAX_VALUE) {
            next = now + DAY_MICROS;
        }
        // whole seconds, so the attribute strings change exactly at the scheduled update
        return new Snapshot(above ? "above_horizon" : "below_horizon", a, next + 1_000_000L);
    }

    private static Object iso(long micros) {
        return micros == Long.MAX_VALUE ? null : PyTime.iso(micros);
    }

    private static double julian(long micros) {
        return micros / 86_400_000_000.0 + 2440587.5;
    }

    /** [0] declination (rad), [1] equation of time (minutes). */
    private static double[] declEot(double jd) {
        double t = (jd - 2451545.0) / 36525.0;
        double l0 = Math.toRadians(mod360(280.46646 + t * (36000.76983 + t * 0.0003032)));
        double m = Math.toRadians(357.52911 + t * (35999.05029 - 0.0001537 * t));
        double e = 0.016708634 - t * (0.000042037 + 0.0000001267 * t);
        double c = Math.sin(m) * (1.914602 - t * (0.004817 + 0.000014 * t)) + Math.sin(2 * m) * (0.019993 - 0.000101 * t)
                + Math.sin(3 * m) * 0.000289;
        double trueLong = Math.toDegrees(l0) + c;
        double omega = Math.toRadians(125.04 - 1934.136 * t);
        double lambda = Math.toRadians(trueLong - 0.00569 - 0.00478 * Math.sin(omega));
        double eps0 = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60;
        double eps = Math.toRadians(eps0 + 0.00256 * Math.cos(omega));
        double decl = Math.asin(Math.sin(eps) * Math.sin(lambda));
        double y = Math.pow(Math.tan(eps / 2), 2);
        double eot = 4 * Math.toDegrees(y * Math.sin(2 * l0) - 2 * e * Math.sin(m) + 4 * e * y * Math.sin(m) * Math.cos(2 * l0)
                - 0.5 * y * y * Math.sin(4 * l0) - 1.25 * e * e * Math.sin(2 * m));
        return new double[] {decl, eot};
    }

    /** [0] elevation, [1] azimuth, in degrees. */
    double[] position(long micros) {
        double[] de = declEot(julian(micros));
        double minutes = Math.floorMod(micros, DAY_MICROS) / 60_000_000.0;
        double tst = minutes + de[1] + 4 * lon;
        double ha = Math.toRadians(tst / 4 - 180);
        double latR = Math.toRadians(lat);
        double cosZen = Math.sin(latR) * Math.sin(de[0]) + Math.cos(latR) * Math.cos(de[0]) * Math.cos(ha);
        double zen = Math.acos(Math.max(-1, Math.min(1, cosZen)));
        double elevation = 90 - Math.toDegrees(zen);
        double az;
        double denom = Math.cos(latR) * Math.sin(zen);
        if (Math.abs(denom) < 1e-9) {
            az = 180;
        } else {
            double cosAz = (Math.sin(latR) * Math.cos(zen) - Math.sin(de[0])) / denom;
            az = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cosAz))));
            az = ha > 0 ? mod360(az + 180) : mod360(540 - az);
        }
        return new double[] {elevation, az};
    }

    /** Solar noon (offset 0) or solar midnight (offset half a day) after {@code now}. */
    private long nextNoon(long now, long offset) {
        long day0 = Math.floorDiv(now, DAY_MICROS) * DAY_MICROS;
        for (int d = -1; d <= 2; d++) {
            long dayStart = day0 + d * DAY_MICROS;
            long t = noonOf(dayStart) + offset;
            if (t > now) {
                return t;
            }
        }
        return now + DAY_MICROS;
    }

    private long noonOf(long dayStartMicros) {
        double[] de = declEot(julian(dayStartMicros + DAY_MICROS / 2));
        double noonMinutes = 720 - 4 * lon - de[1];
        long t = dayStartMicros + (long) (noonMinutes * 60_000_000L);
        return (t / 1_000_000L) * 1_000_000L;
    }

    /** Next rising (sign -1) or setting (+1) for the zenith, or Long.MAX_VALUE if none within days. */
    private long next(long now, double zenith, int sign) {
        long day0 = Math.floorDiv(now, DAY_MICROS) * DAY_MICROS;
        for (int d = -1; d <= 3; d++) {
            long dayStart = day0 + d * DAY_MICROS;
            long noon = noonOf(dayStart);
            double decl = declEot(julian(noon))[0];
            double latR = Math.toRadians(lat);
            double cosH = Math.cos(Math.toRadians(zenith)) / (Math.cos(latR) * Math.cos(decl)) - Math.tan(latR) * Math.tan(decl);
            if (cosH < -1 || cosH > 1) {
                continue;
            }
            double h = Math.toDegrees(Math.acos(cosH));
            long t = noon + sign * (long) (4 * h * 60_000_000L);
            t = (t / 1_000_000L) * 1_000_000L;
            if (t > now) {
                return t;
            }
        }
        return Long.MAX_VALUE;
    }

    private static double mod360(double v) {
        double r = v % 360;
        return r < 0 ? r + 360 : r;
    }
}
