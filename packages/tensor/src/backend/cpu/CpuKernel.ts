/**
 * The shape every CPU kernel has: its call, and the host buffers behind the call's views,
 * looked up once by the backend before the kernel runs.
 *
 * @since 0.1.0
 */
import type { KernelCallOf, KernelName, View } from "../Kernel.ts"
import type { HostBuffer } from "./Storage.ts"

/**
 * The host buffers behind a call's views, keyed by the call's field names (an optional
 * view gives an optional entry).
 *
 * @since 0.1.0
 * @category models
 */
export type Hosts<C> = { readonly [P in keyof C as NonNullable<C[P]> extends View ? P : never]: HostBuffer }

/** A CPU kernel for `K`. @since 0.1.0 @category models */
export type CpuKernel<K extends KernelName> = (call: KernelCallOf<K>, hosts: Hosts<KernelCallOf<K>>) => void
