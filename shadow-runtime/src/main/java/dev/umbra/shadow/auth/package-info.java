/**
 * Who may use a shadow: the three {@link dev.umbra.shadow.auth.Role}s, the tokens that carry them
 * and the credential files that hold those tokens in the data folder, created on first start
 * ({@link dev.umbra.shadow.auth.CredentialFiles}). A leaf package: the gRPC and HTTP edges and
 * the CLI use it; it uses nothing of the shadow's. Runs on whichever thread calls it.
 */
package dev.umbra.shadow.auth;
