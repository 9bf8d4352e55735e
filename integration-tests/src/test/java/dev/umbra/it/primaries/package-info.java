/** Small primaries the agent ITs start as processes (with {@code -cp} the test classes). */
package dev.umbra.it.primaries;
