"""Who looked at my data (数据使用记录): the purposes a department may give for reading a
person's or an enterprise's data through the API, the hash-chained log of every such read,
and the page where citizens read it."""
