/** The web dashboard in a real headless Chromium, against a real shadow and primary. */
package dev.umbra.it.dashboard;
