package io.pxkv.node.storage;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test that damages an open engine's files on purpose, so its engines close with broken
 * invariants by design: {@link DiskEngineInvariants} leaves them unchecked.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface DamagesAnOpenEngine {}
