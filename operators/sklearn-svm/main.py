"""sklearn-svm: scikit-learn's SVC / SVR behind a StandardScaler, as an operator."""
import tandem_op


@tandem_op.main
def run(task):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC, SVR

    p = task.params
    X, y, features, label, classes, kind = tandem_op.feature_matrix(task, "train", p.get("label"))
    task.progress(0.1, "fitting a %s SVM on %d rows x %d features" % (p["kernel"], len(y), len(features)))
    common = dict(kernel=p["kernel"], C=p["C"], gamma=p["gamma"], degree=p["degree"])
    svm = SVC(probability=True, random_state=p["seed"], **common) if kind == "classification" else SVR(**common)
    model = make_pipeline(StandardScaler(), svm)
    model.fit(X, y)
    tandem_op.save_python_model(task, "model", model, features, classes, kind, label, "sklearn-svm")

    task.progress(0.8, "evaluating")
    tandem_op.report_metrics(task, model, X, y, label, classes, kind)
