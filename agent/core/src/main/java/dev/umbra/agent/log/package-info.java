/**
 * The agent's own logger ({@code umbra-agent <LEVEL> <message>} on stderr, rate-limited per
 * message) and its thread factory. Never the application's JUL, SLF4J or Log4j. Used from every
 * agent thread.
 */
package dev.umbra.agent.log;
