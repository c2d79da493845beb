/**
 * Errors answered to clients as OpenAI-style bodies
 * (`{"error":{"message","type","param","code"}}`) with an HTTP status.
 *
 * @since 0.0.0
 */
import { Schema } from "effect"

/**
 * A request the server refuses or could not serve.
 *
 * @since 0.0.0
 * @category errors
 */
export class ApiError extends Schema.TaggedError<ApiError>()("ApiError", {
  status: Schema.Int,
  message: Schema.String,
  type: Schema.String,
  param: Schema.NullOr(Schema.String)
}) {}

/**
 * A 400 for a bad field (`param` names it).
 *
 * @since 0.0.0
 * @category constructors
 */
export const badRequest = (message: string, param: string | null = null): ApiError =>
  new ApiError({ status: 400, message, type: "BadRequestError", param })

/**
 * A 404 (unknown route or model).
 *
 * @since 0.0.0
 * @category constructors
 */
export const notFound = (message: string, param: string | null = null): ApiError =>
  new ApiError({ status: 404, message, type: "NotFoundError", param })

/**
 * A 500: the engine failed on a valid request.
 *
 * @since 0.0.0
 * @category constructors
 */
export const internalError = (message: string): ApiError =>
  new ApiError({ status: 500, message, type: "InternalServerError", param: null })

/**
 * The JSON body of an error response.
 *
 * @since 0.0.0
 * @category encoding
 */
export const errorBody = (e: ApiError) => ({
  error: { message: e.message, type: e.type, param: e.param, code: e.status }
})
