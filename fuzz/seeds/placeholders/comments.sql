select "col?", `x:y` from t -- ? comment
where /* ? /* nested :z */ */ a = :a