#include "http/router.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace tandem::http {
namespace {

// A handler that echoes what the router gave it.
Response Echo(const Request& req) {
  Json params = Json::object();
  for (const auto& [k, v] : req.params) params[k] = v;
  Json query = Json::object();
  for (const auto& [k, v] : req.query) query[k] = v;
  return JsonResponse({{"path", req.path}, {"params", params}, {"query", query}});
}

Json Body(const Response& r) { return Json::parse(r.body); }

Response Get(const Router& router, const std::string& target, const std::string& method = "GET") {
  Request req;
  req.method = method;
  req.target = target;
  return router.Dispatch(&req);
}

TEST(Router, MatchesLiteralsAndParams) {
  Router router;
  router.Add("GET", "/api/v1/models", Echo);
  router.Add("GET", "/api/v1/models/{name}/versions/{version}", Echo);
  Response r = Get(router, "/api/v1/models/iris/versions/3");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["params"], (Json{{"name", "iris"}, {"version", "3"}}));
  EXPECT_EQ(Get(router, "/api/v1/models").status, 200);
  EXPECT_EQ(Get(router, "/api/v1/models/").status, 404);  // no trailing-slash magic
  EXPECT_EQ(Get(router, "/api/v1/models//versions/3").status, 404);  // {name} is non-empty
}

TEST(Router, RestParamTakesTheRestPossiblyEmpty) {
  Router router;
  router.Add("GET", "/files/{rest*}", Echo);
  EXPECT_EQ(Body(Get(router, "/files/a/b/c.txt"))["params"]["rest"], "a/b/c.txt");
  EXPECT_EQ(Body(Get(router, "/files/"))["params"]["rest"], "");
  EXPECT_EQ(Body(Get(router, "/files"))["params"]["rest"], "");
  EXPECT_EQ(Get(router, "/filesx").status, 404);
}

TEST(Router, FirstAddedRouteWins) {
  Router router;
  router.Add("GET", "/a/special", [](const Request&) { return JsonResponse("special"); });
  router.Add("GET", "/a/{name}", Echo);
  EXPECT_EQ(Body(Get(router, "/a/special")), "special");
  EXPECT_EQ(Body(Get(router, "/a/other"))["params"]["name"], "other");
}

TEST(Router, DecodesPathParamsAndQuery) {
  Router router;
  router.Add("GET", "/m/{name}", Echo);
  Json body = Body(Get(router, "/m/my%20model%2Fv1?state=failed&q=a%26b+c"));
  EXPECT_EQ(body["params"]["name"], "my model/v1");  // %2F stays inside its segment
  EXPECT_EQ(body["path"], "/m/my model/v1");
  EXPECT_EQ(body["query"], (Json{{"state", "failed"}, {"q", "a&b c"}}));
}

TEST(Router, NotFoundAndMethodNotAllowed) {
  Router router;
  router.Add("GET", "/runs/{id}", Echo);
  router.Add("DELETE", "/runs/{id}", Echo);
  Response r = Get(router, "/x");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r), (Json{{"error", "no route for GET /x"}}));
  r = Get(router, "/runs/7", "POST");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Body(r)["error"], "method POST not allowed for /runs/7 (allowed: GET, DELETE)");
  EXPECT_EQ(r.headers["Allow"], "GET, DELETE");
}

TEST(Router, ThrowingHandlerIs500) {
  Router router;
  router.Add("GET", "/boom", [](const Request&) -> Response { throw std::runtime_error("kaput"); });
  router.Add("GET", "/int", [](const Request&) -> Response { throw 42; });
  Response r = Get(router, "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Body(r)["error"], "handler for GET /boom failed: kaput");
  EXPECT_EQ(Get(router, "/int").status, 500);
}

TEST(Router, KindOfNamesTheClassAndUploadOfTheRouteDispatchWouldPick) {
  Router router;
  router.Add("POST", "/v2/models/{name}/{rest*}", Echo, false, RouteClass::kInference);
  router.Add("POST", "/datasets", Echo, /*upload=*/true);
  router.Add("GET", "/healthz", Echo, false, RouteClass::kHealth);
  Router::Kind infer = router.KindOf("POST", "/v2/models/iris/infer?x=1");
  EXPECT_TRUE(infer.matched);
  EXPECT_EQ(infer.route_class, RouteClass::kInference);
  EXPECT_FALSE(infer.upload);
  EXPECT_TRUE(router.KindOf("POST", "/datasets").upload);
  EXPECT_EQ(router.KindOf("GET", "/healthz").route_class, RouteClass::kHealth);
  EXPECT_FALSE(router.KindOf("GET", "/datasets").matched);  // 405: never queued
  EXPECT_FALSE(router.KindOf("GET", "/nowhere").matched);
}

TEST(Responses, ErrorAndJson) {
  Response r = ErrorResponse(NotFound("model 'x' not found"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(Body(r), (Json{{"error", "model 'x' not found"}}));
  EXPECT_EQ(ErrorResponse(InvalidArgument("bad")).status, 400);
  EXPECT_EQ(ErrorResponse(Unavailable("down")).status, 503);
  r = JsonResponse({{"a", 1}}, 201);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"a":1})");
}

}  // namespace
}  // namespace tandem::http
