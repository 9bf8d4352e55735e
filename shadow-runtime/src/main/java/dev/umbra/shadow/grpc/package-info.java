/**
 * The gRPC edge of the shadow: the server, its interceptors and the service implementations
 * that convert between {@code dev.umbra.proto.v1} and the domain. Calls run on the
 * {@code umbra-grpc-*} executor; Netty I/O on {@code umbra-grpc-io-*}.
 */
package dev.umbra.shadow.grpc;
