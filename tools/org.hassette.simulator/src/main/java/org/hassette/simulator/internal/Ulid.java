package org.hassette.simulator.internal;

import java.util.concurrent.ThreadLocalRandom;

/** ULIDs as HA's {@code ulid_at_time} makes them: 48-bit millisecond time, 80 random bits, Crockford base32. */
public final class Ulid {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private Ulid() {
    }

    public static String atMicros(long epochMicros) {
        return atMillis(epochMicros / 1000);
    }

    public static String atMillis(long millis) {
        char[] out = new char[26];
        long t = millis & 0xFFFF_FFFF_FFFFL;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (t & 31)];
            t >>>= 5;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = r.nextLong() & 0xFF_FFFF_FFFFL; // 40 bits
        long lo = r.nextLong() & 0xFF_FFFF_FFFFL; // 40 bits
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        return new String(out);
    }

    /** A 32-character lowercase hex id, the shape of HA user ids ({@code uuid4().hex}). */
    public static String hexId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return String.format("%016x%016x", r.nextLong(), r.nextLong());
    }
}
