"""sklearn-random-forest: scikit-learn's RandomForest{Classifier,Regressor} as an operator."""

import tandem_op

@tandem_op.main
def run(task):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    p = task.params
    X, y, features, label, classes, kind = tandem_op.feature_matrix(task, "train", p.get("label"))
    task.progress(0.1, "training %d trees on %d rows x %d features" % (p["n_estimators"], len(y), len(features)))
    Forest = RandomForestClassifier if kind == "classification" else RandomForestRegressor
    model = Forest(n_estimators=p["n_estimators"], max_depth=p.get("max_depth"),
                   min_samples_leaf=p["min_samples_leaf"],
                   max_features=None if p["max_features"] == "all" else p["max_features"],
                   random_state=p["seed"], n_jobs=1)
    model.fit(X, y)
    tandem_op.save_python_model(task, "model", model, features, classes, kind, label, "sklearn-random-forest")

    task.progress(0.8, "evaluating")
    tandem_op.report_metrics(task, model, X, y, label, classes, kind)
