/**
 * The agent's one typed configuration, {@link dev.umbra.agent.config.AgentConfig}, parsed once
 * in {@code premain}/{@code agentmain} from agent options, {@code -Dumbra.*} and
 * {@code UMBRA_*}, in that order of precedence. Pure: no global state, and no I/O but
 * checking that a named certificate file is readable.
 */
package dev.umbra.agent.config;
