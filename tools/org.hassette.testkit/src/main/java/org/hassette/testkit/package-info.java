/**
 * The app test kit: run an app in a plain JUnit test against the platform's real event bus and
 * scheduler on virtual time ({@link org.hassette.testkit.AppTestKit}), with configuration built from
 * a map ({@link org.hassette.testkit.Configs}), recorded Home Assistant calls
 * ({@link org.hassette.testkit.RecordingHomeAssistantApi}) and an in-memory store.
 */
package org.hassette.testkit;
