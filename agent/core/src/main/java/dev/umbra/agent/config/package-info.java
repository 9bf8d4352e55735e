/**
 * The agent's one typed configuration, {@link dev.umbra.agent.config.AgentConfig}, parsed once
 * in {@code premain}/{@code agentmain} from agent options, {@code -Dumbra.*} and
 * {@code UMBRA_*}, in that order of precedence. Pure: no I/O, no global state.
 */
package dev.umbra.agent.config;
