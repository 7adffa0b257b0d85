package org.hassette.itest.greeter;

/** What the greeter app offers other apps. */
public interface Greeter {
    String greet(String who);
}
