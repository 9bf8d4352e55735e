/**
 * Umbra's application API: register {@link dev.umbra.api.Checkpointable} state with
 * {@link dev.umbra.api.Umbra#register} so that the Umbra agent can checkpoint it and roll it
 * back. No dependencies; safe to ship in an application that may run without the agent.
 *
 * <p>A checkpoint is a set of named snapshots, one per registered state, taken while every
 * state is quiesced; a rollback restores each snapshot into the state of the same name. The
 * registry holds states strongly until their {@link dev.umbra.api.Registration} is closed: the
 * application owns its states, Umbra only calls them.
 */
package dev.umbra.api;
