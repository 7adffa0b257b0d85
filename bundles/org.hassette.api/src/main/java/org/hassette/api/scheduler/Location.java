package org.hassette.api.scheduler;

/**
 * Where sun events are computed for.
 *
 * @param latitude  degrees north, -90..90
 * @param longitude degrees east, -180..180
 * @param elevation metres above sea level
 */
public record Location(double latitude, double longitude, double elevation) {
    public Location {
        if (!(latitude >= -90 && latitude <= 90)) {
            throw new IllegalArgumentException("latitude must be within -90..90 degrees, was " + latitude);
        }
        if (!(longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException("longitude must be within -180..180 degrees, was " + longitude);
        }
        if (!Double.isFinite(elevation)) {
            throw new IllegalArgumentException("elevation must be a finite number of metres, was " + elevation);
        }
    }
}
