/** The deployment files under {@code deploy/}, checked offline. */
package dev.umbra.it.deploy;
