print("rpemu")
