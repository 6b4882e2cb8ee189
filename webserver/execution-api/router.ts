import express, { type NextFunction, type Request, type Response } from "express";
import type { ExecutionApi } from "./execution-api.ts";

/** The execution API over HTTP, for runners that are not this process's children (workers on other machines). */
export function executionApiRouter(api: ExecutionApi): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: "10mb" }));
  router.use((req: Request, res: Response, next: NextFunction) => {
    api.handle({ method: req.method, path: req.path, authorization: req.get("authorization") ?? "", body: req.body }).then((response) => {
      if (response.body === null) res.status(response.status).end();
      else res.status(response.status).json(response.body);
    }, next);
  });
  // A body that is not JSON, or too large: the body parser's error, in the API's problem shape.
  router.use((error: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status < 500 ? error.status : 500;
    res.status(status).json({ title: status === 500 ? "Internal Server Error" : "Bad Request", status, detail: error.message });
  });
  return router;
}
